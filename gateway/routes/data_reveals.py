"""The director's log of customers' full mobile numbers shown to managers and directors
(personal data, issue 13): each service that shows full numbers logs its own reveals
(loupan/reveals.py); this route merges the logs of crm, inventory, contracts and hr
(applicants' numbers shown to hr and directors). A mixin of
GatewayService."""
from datetime import datetime

from gateway.http import route
from loupan.schemas.reveals import SERVICES, DataRevealOut, DataRevealQuery
from loupan.schemas import load


class DataRevealRoutes:
    @route("GET", "/api/data-reveals", query=DataRevealQuery, response=DataRevealOut, many=True,
           summary="Who saw which customer's full mobile number, when and where (lists, details, exports by "
                   "managers and directors; applicants' numbers to hr and directors; numbers masked in the log), "
                   "newest first, from crm, inventory, contracts and hr; filter by project_id, account_id, kind, service, from/to (days)")
    def list_data_reveals(self, request, actor, query):
        """Every service is asked for the first offset + limit rows of the filter, so the merged
        page is exact; a service that does not answer fails the request (503) rather than give
        a log with a hole in it."""
        wanted = load(DataRevealQuery, query)
        services = [wanted["service"]] if wanted["service"] else list(SERVICES)
        ask = {k: v for k, v in query.items() if k not in ("service", "limit", "offset")}
        ask["limit"] = wanted["offset"] + wanted["limit"]
        rows = []
        for name in services:
            rows += getattr(self, name).list_data_reveals(actor, ask)
        rows.sort(key=lambda r: (datetime.fromisoformat(r["revealed_at"]), r["service"], r["id"]), reverse=True)
        return rows[wanted["offset"]:wanted["offset"] + wanted["limit"]]
