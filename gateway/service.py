"""gateway: the HTTP API for front-ends. Authenticates, checks roles and projects, validates
input against the contracts, and calls the services over RPC with a timeout."""
import hashlib

from nameko.dependency_providers import Config
from nameko.web.handlers import http
from sqlalchemy import select
from werkzeug.wrappers import Response

from gateway import openapi
from gateway.auth import check_secret, generation_of, issue_token, sign_out
from gateway.http import error_response, json_response, route
from gateway.idempotency import IdempotencySweeper
from gateway.models import Notification, metadata
from gateway.ratelimit import RateCounterSweeper
from gateway.routes.attendance import AttendanceRoutes
from gateway.routes.bell import BellRoutes
from gateway.routes.breaches import BreachNotices
from gateway.routes.brokers import BrokerRoutes
from gateway.routes.buyers import BuyerRoutes
from gateway.routes.console import ConsoleRoutes
from gateway.routes.contracts_changes import ContractsChangesRoutes
from gateway.routes.contracts_deals import ContractsDealsRoutes
from gateway.routes.control import ControlRoutes
from gateway.routes.crm_care import CrmCareRoutes
from gateway.routes.crm_channels import CrmChannelsRoutes
from gateway.routes.crm_customers import CrmCustomersRoutes
from gateway.routes.crm_visits import CrmVisitsRoutes
from gateway.routes.data_reveals import DataRevealRoutes
from gateway.routes.deals import DealRoutes
from gateway.routes.display import DisplayRoutes
from gateway.routes.documents import DocumentRoutes
from gateway.routes.evaluation import EvaluationRoutes
from gateway.routes.finance_channel import FinanceChannelRoutes
from gateway.routes.finance_commission import FinanceCommissionRoutes
from gateway.routes.finance_escrow import FinanceEscrowRoutes
from gateway.routes.finance_money import FinanceMoneyRoutes
from gateway.routes.finance_sincerity import FinanceSincerityRoutes
from gateway.routes.launch_screen import LaunchScreenRoutes
from gateway.routes.launch_report import LaunchReportRoutes
from gateway.routes.launches import LaunchRoutes
from gateway.routes.pricing import PricingRoutes
from gateway.routes.recruiting import RecruitingRoutes
from gateway.routes.reports import ReportRoutes
from gateway.routes.spreadsheets import SpreadsheetRoutes
from gateway.routes.training import TrainingRoutes
from gateway.routes.webhooks import WebhookRoutes
from gateway.routes.window_texts import WindowTexts
from gateway.routes.staff import StaffRoutes
from gateway.server import HttpServer
from loupan.schemas import dump
from loupan.schemas import hr_accounts as hrc
from loupan.schemas import inventory_catalog as inv
from loupan.roles import TITLES, permissions_of
from loupan.schemas.gateway_answers import MeOut, NotificationOut
from loupan.db import Database
from loupan.errors import NotFound
from loupan.inbox import handles
from loupan.ops import OpsEndpoints
from loupan.rpc import TimedRpcProxy


class GatewayService(IdempotencySweeper, RateCounterSweeper, ReportRoutes, ConsoleRoutes, FinanceMoneyRoutes, FinanceEscrowRoutes, FinanceSincerityRoutes, FinanceChannelRoutes, FinanceCommissionRoutes, ContractsChangesRoutes, ContractsDealsRoutes, CrmCustomersRoutes, CrmChannelsRoutes, StaffRoutes, SpreadsheetRoutes, ControlRoutes, LaunchRoutes, LaunchScreenRoutes, PricingRoutes, DealRoutes, TrainingRoutes, RecruitingRoutes, AttendanceRoutes, EvaluationRoutes, CrmVisitsRoutes, CrmCareRoutes, DataRevealRoutes, DisplayRoutes, BuyerRoutes, BrokerRoutes, DocumentRoutes, BellRoutes, BreachNotices, WebhookRoutes, LaunchReportRoutes, WindowTexts, OpsEndpoints):
    name = "gateway"
    http_server = HttpServer()  # JSON for every HTTP error, backlog, load shedding: gateway/server.py
    db = Database(metadata)
    inventory = TimedRpcProxy("inventory")
    hr = TimedRpcProxy("hr")
    crm = TimedRpcProxy("crm")
    contracts = TimedRpcProxy("contracts")
    finance = TimedRpcProxy("finance")
    config = Config()

    @staticmethod
    def check_config(config):
        """Called by loupan.run before starting: no gateway on a public or short JWT key."""
        return check_secret(config)

    @route("POST", "/api/auth/login", body=hrc.LoginIn, response=hrc.TokenOut,
           summary="Sign in; returns a bearer token")
    def login(self, request, body):
        account = self.hr.authenticate(body["username"], body["password"])
        return issue_token(account, self.config, generation_of(self.db.engine, account["id"]))

    @route("POST", "/api/me/password", body=hrc.PasswordChangeIn, response=hrc.TokenOut,
           summary="Change one's own password (403 WRONG_PASSWORD, 422 WEAK_PASSWORD); every token "
                   "of the account is revoked and a new one returned")
    def change_password(self, request, actor, body):
        self.hr.change_password(actor, body)
        # the account's tokens, this one too, are refused from the next request on, on every replica
        generation = sign_out(self.db.session, actor["account_id"])
        self.db.commit()
        return issue_token({"id": actor["account_id"], "username": actor["username"], "role": actor["role"],
                            "agency_id": actor["agency_id"], "project_ids": actor["project_ids"]},
                           self.config, generation)

    @route("POST", "/api/logout", status=204,
           summary="Sign out: the presented token, and every other token of the account, is refused from now on")
    def logout(self, request, actor):
        sign_out(self.db.session, actor["account_id"])
        self.db.commit()
        return Response(status=204)

    @route("GET", "/api/ping", summary="One RPC round trip to inventory (benchmark baseline)")
    def ping(self, request, actor):
        return {"inventory": self.inventory.ping()}

    @route("GET", "/api/me", response=MeOut,
           summary="The signed-in account: its name, role, the permissions it holds and its projects")
    def me(self, request, actor):
        account = self.hr.get_account(actor, actor["account_id"])
        # the role and projects the gateway enforces now (a 调岗 applies to a token already issued)
        return {"id": actor["account_id"], "username": account["username"], "full_name": account["full_name"],
                "role": actor["role"], "role_title": TITLES.get(actor["role"], actor["role"]),
                "permissions": permissions_of(actor["role"]), "project_ids": actor["project_ids"]}

    @route("POST", "/api/accounts", body=hrc.AccountIn,
           response=hrc.AccountOut, status=201, summary="Create a staff account")
    def create_account(self, request, actor, body):
        return self.hr.create_account(actor, body)

    @route("GET", "/api/accounts", response=hrc.AccountOut,
           many=True, summary="Staff accounts of the agency")
    def list_accounts(self, request, actor):
        return self.hr.list_accounts(actor)

    @route("POST", "/api/projects", body=inv.ProjectIn, response=inv.ProjectOut,
           status=201, summary="Create a project (项目)")
    def create_project(self, request, actor, body):
        return self.inventory.create_project(actor, body)

    @route("GET", "/api/projects", response=inv.ProjectOut, many=True,
           summary="Projects the caller may see")
    def list_projects(self, request, actor):
        return self.inventory.list_projects(actor)

    @route("GET", "/api/projects/<int:project_id>", response=inv.ProjectOut, summary="One project")
    def get_project(self, request, actor, project_id):
        return self.inventory.get_project(actor, project_id)

    @route("POST", "/api/projects/<int:project_id>/buildings", body=inv.BuildingIn,
           response=inv.BuildingOut, status=201, summary="Add a building (楼栋) with its presale permit")
    def create_building(self, request, actor, project_id, body):
        return self.inventory.create_building(actor, project_id, body)

    @route("PATCH", "/api/buildings/<int:building_id>", body=inv.BuildingPatch,
           response=inv.BuildingOut, summary="Rename a building or record its presale permit (预售许可证)")
    def update_building(self, request, actor, building_id, body):
        return self.inventory.update_building(actor, building_id, body)

    @route("POST", "/api/projects/<int:project_id>/units", body=inv.UnitsIn, response=inv.UnitOut, many=True, status=201, summary="Create units in bulk")
    def create_units(self, request, actor, project_id, body):
        return self.inventory.create_units(actor, project_id, body)

    @route("GET", "/api/projects/<int:project_id>/units", query=inv.UnitQuery, response=inv.UnitPage,
           summary="Units of a project, by status and building")
    def list_units(self, request, actor, project_id, query):
        return self.inventory.list_units(actor, project_id, query)

    @route("POST", "/api/projects/<int:project_id>/releases", body=inv.ReleaseIn,
           response=inv.ReleaseOut, summary="推盘: put units on sale")
    def release_units(self, request, actor, project_id, body):
        return self.inventory.release_units(actor, project_id, body)

    @route("POST", "/api/units/<int:unit_id>/holds", body=inv.HoldIn, response=inv.HoldOut,
           status=201, summary="预留: hold an available unit for a customer (409 UNIT_NOT_AVAILABLE if taken)")
    def hold_unit(self, request, actor, unit_id, body):
        return self.inventory.hold_unit(actor, unit_id, body)

    @route("DELETE", "/api/holds/<int:hold_id>", response=inv.HoldOut,
           summary="Cancel a hold; the unit is available again")
    def cancel_hold(self, request, actor, hold_id):
        return self.inventory.cancel_hold(actor, hold_id)

    @route("GET", "/api/projects/<int:project_id>/board", response=inv.Board,
           summary="销控表: buildings × floors × units with status, counts and amounts")
    def board(self, request, actor, project_id):
        # the first load of a screen that then follows the live feed (gateway/feed): an ETag of
        # the text, so a reload of an unchanged board is a 304 without its 420 kB
        text = self.inventory.get_board(actor, project_id)
        response = Response(text, mimetype="application/json")
        response.set_etag(hashlib.sha256(text.encode("utf-8")).hexdigest()[:32])
        response.headers["Cache-Control"] = "private, no-cache"
        return response.make_conditional(request)

    @route("GET", "/api/notifications", response=NotificationOut, many=True,
           summary="The caller's latest notifications (e.g. expired holds)")
    def notifications(self, request, actor):
        rows = self.db.session.execute(
            select(Notification).where(Notification.account_id == actor["account_id"])
            .order_by(Notification.id.desc()).limit(100)
        ).scalars().all()
        return dump(NotificationOut, rows, many=True)

    openapi_warmer = openapi.DocumentWarmer()  # the document is built as the gateway starts

    @http("GET", "/api/openapi.json")
    def openapi_document(self, request):
        """The OpenAPI document, generated from the contract schemas (outside the event loop)."""
        return json_response(200, openapi.built_document())

    @http("GET", "/api/docs")
    def docs_page(self, request):
        """Swagger UI on /api/openapi.json, served from here (gateway/docs_page)."""
        from gateway.docs_page import docs_file
        return docs_file(request, "index.html")

    @http("GET", "/api/docs/<string:name>")
    def docs_asset(self, request, name):
        """Swagger UI's script, style and icon, and the page's own start-up script."""
        from gateway.docs_page import docs_file
        return docs_file(request, name)

    @http("GET,POST,PUT,PATCH,DELETE", "/api/<path:rest>")
    def unknown_route(self, request, rest):
        """Unknown API paths answer JSON like every other error."""
        return error_response(NotFound(f"no route /api/{rest}", "NO_ROUTE"))

    @handles("inventory", "unit_hold_expired")
    def on_hold_expired(self, event):
        """Tell the advisor that their hold lapsed and the unit is back on sale."""
        payload = event["payload"]
        if payload["advisor_id"] is None:
            return
        self.db.session.add(Notification(
            agency_id=event["agency_id"], project_id=event["project_id"],
            account_id=payload["advisor_id"], kind="hold_expired", event_id=event["event_id"],
            text=f"{payload['unit_label']} 的预留已到期（客户 {payload['customer_name']}），房源已重新待售",
        ))
