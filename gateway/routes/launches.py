"""开盘活动 routes: launches and their moves, 认筹 registrations (review, 诚意金,
cancellation) and the verifiable 摇号 (publish the list and the seed's commitment, draw,
result). A mixin of GatewayService; the rules are inventory's (docs/launch.md)."""
from gateway.http import route
from loupan.schemas import inventory_launches as s
from loupan.schemas import inventory_selection as sel


class LaunchRoutes:
    @route("POST", "/api/projects/<int:project_id>/launches", body=s.LaunchIn, response=s.LaunchOut, status=201,
           summary="开盘活动: plan a launch (draft) of a batch of the project's units, its mode and selection rules")
    def create_launch(self, request, actor, project_id, body):
        return self.inventory.create_launch(actor, project_id, body)

    @route("GET", "/api/projects/<int:project_id>/launches", response=s.LaunchOut, many=True,
           summary="The project's launches, by opening time")
    def list_launches(self, request, actor, project_id):
        return self.inventory.list_launches(actor, project_id)

    @route("GET", "/api/launches/<int:launch_id>", response=s.LaunchOut,
           summary="A launch: its units, the actions it may take now and its history (who, when, why)")
    def get_launch(self, request, actor, launch_id):
        return self.inventory.get_launch(actor, launch_id)

    @route("POST", "/api/launches/<int:launch_id>/transitions", body=s.LaunchTransitionIn, response=s.LaunchOut,
           summary="Move a launch: open or close registration, start selection, finish, pause (with a reason), "
                   "resume (back to the state paused in); 409 ILLEGAL_LAUNCH_TRANSITION otherwise")
    def move_launch(self, request, actor, launch_id, body):
        return self.inventory.move_launch(actor, launch_id, body)

    @route("POST", "/api/launches/<int:launch_id>/registrations", body=s.RegistrationIn, response=s.RegistrationOut,
           status=201, summary="认筹: register a buyer (one per ID number: 409 ALREADY_REGISTERED), numbered RC-0001, ...")
    def register_for_launch(self, request, actor, launch_id, body):
        return self.inventory.register_for_launch(actor, launch_id, body)

    @route("GET", "/api/launches/<int:launch_id>/registrations", query=s.RegistrationQuery,
           response=s.RegistrationOut, many=True,
           summary="A launch's registrations; ID numbers masked but to managers and directors (whose views are logged)")
    def list_registrations(self, request, actor, launch_id, query):
        return self.inventory.list_registrations(actor, launch_id, query)

    @route("GET", "/api/registrations/<int:registration_id>", response=s.RegistrationOut,
           summary="One registration, masked as in the list")
    def get_registration(self, request, actor, registration_id):
        return self.inventory.get_registration(actor, registration_id)

    @route("POST", "/api/registrations/<int:registration_id>/review", body=s.RegistrationReviewIn, response=s.RegistrationOut,
           summary="购房资格: record the review (eligible or ineligible, note, documents), until the list is published")
    def review_registration(self, request, actor, registration_id, body):
        return self.inventory.review_registration(actor, registration_id, body)

    @route("POST", "/api/registrations/<int:registration_id>/deposit", body=s.RegistrationDepositIn, response=s.RegistrationOut,
           summary="诚意金 paid: the amount and the finance receipt's number, once")
    def record_registration_deposit(self, request, actor, registration_id, body):
        return self.inventory.record_registration_deposit(actor, registration_id, body)

    @route("POST", "/api/registrations/<int:registration_id>/cancel", body=s.RegistrationCancelIn, response=s.RegistrationOut,
           summary="Cancel a registration before the lottery's list is published")
    def cancel_registration(self, request, actor, registration_id, body):
        return self.inventory.cancel_registration(actor, registration_id, body)

    @route("POST", "/api/launches/<int:launch_id>/lottery/publish", body=s.LotteryPublishIn, response=s.LotteryListOut,
           status=201, summary="摇号, before the draw: publish the eligible list (masked) with its SHA-256 digest "
                               "and the commitment SHA-256(seed)")
    def publish_lottery(self, request, actor, launch_id, body):
        return self.inventory.publish_lottery(actor, launch_id, body)

    @route("GET", "/api/launches/<int:launch_id>/lottery/published", response=s.LotteryListOut,
           summary="The lottery's list as published: the file lottery_verify reads")
    def get_lottery_list(self, request, actor, launch_id):
        return self.inventory.get_lottery_list(actor, launch_id)

    @route("POST", "/api/launches/<int:launch_id>/lottery/draw", body=s.LotteryDrawIn, response=s.LotteryResultOut, status=201,
           summary="摇号: reveal the seed (checked against the commitment) and draw the order, once (409 LOTTERY_DRAWN)")
    def draw_lottery(self, request, actor, launch_id, body):
        return self.inventory.draw_lottery(actor, launch_id, body)

    @route("GET", "/api/launches/<int:launch_id>/lottery/result", response=s.LotteryResultOut,
           summary="The drawn order with the seed and public value, to verify with the documented command")
    def get_lottery_result(self, request, actor, launch_id):
        return self.inventory.get_lottery_result(actor, launch_id)

    @route("GET", "/api/launches/<int:launch_id>/selection", response=sel.SelectionView,
           summary="选房 on site: the current window and who is choosing (masked), each window's times and the "
                   "units it sold (race: the attempts)")
    def get_launch_selection(self, request, actor, launch_id):
        return self.inventory.get_selection(actor, launch_id)
