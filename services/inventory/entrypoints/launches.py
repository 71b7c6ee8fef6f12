"""开盘活动 entrypoints: launches and their moves, 认筹 registrations (review, 诚意金,
cancellation) and the 摇号 (publish, draw, result). A mixin of InventoryService (self.db is
its database); the reads and writes are launches.py, the rules launch_rules.py and
lottery_rules.py."""
from loupan.entrypoints import command, query
from loupan.inbox import handles
from loupan.schemas import load
from loupan.schemas import inventory_launch_report as report
from loupan.schemas import inventory_launches as s
from services.inventory import launch_report, launches


class LaunchEntrypoints:
    @command(s.LaunchOut)
    def create_launch(self, actor, project_id, data):
        """开盘活动 planned: a draft launch of a batch of the project's units."""
        return launches.create_launch(self.db, actor, project_id, load(s.LaunchIn, data))

    @query(s.LaunchOut, many=True)
    def list_launches(self, actor, project_id):
        """The project's launches, by opening time."""
        return launches.list_launches(self.db.session, actor, project_id)

    @query(s.LaunchOut)
    def get_launch(self, actor, launch_id):
        """A launch with its units, the actions it may take and its history."""
        return launches.get_launch(self.db.session, actor, launch_id)

    @command(s.LaunchOut)
    def move_launch(self, actor, launch_id, data):
        """A launch's move (open or close registration, start selection, finish, pause, resume)."""
        data = load(s.LaunchTransitionIn, data)
        return launches.transition(self.db, actor, launch_id, data["action"], data["reason"])

    @command(s.RegistrationOut)
    def register_for_launch(self, actor, launch_id, data):
        """认筹: a buyer registered for a launch, one per ID number."""
        return launches.register(self.db, actor, launch_id, load(s.RegistrationIn, data))

    @command(s.RegistrationOut, many=True)
    def list_registrations(self, actor, launch_id, query=None):
        """A launch's registrations, by number (full ID numbers to managers: logged, so a command)."""
        return launches.list_registrations(self.db.session, actor, launch_id, load(s.RegistrationQuery, query or {}))

    @command(s.RegistrationOut)
    def get_registration(self, actor, registration_id):
        """One registration (full ID number to managers: logged)."""
        return launches.get_registration(self.db.session, actor, registration_id)

    @command(s.RegistrationOut)
    def review_registration(self, actor, registration_id, data):
        """购房资格 review: eligible or ineligible, a note and the documents seen."""
        return launches.review(self.db, actor, registration_id, load(s.RegistrationReviewIn, data))

    @command(s.RegistrationOut)
    def record_registration_deposit(self, actor, registration_id, data):
        """诚意金 paid, with the finance receipt's number."""
        return launches.record_deposit(self.db, actor, registration_id, load(s.RegistrationDepositIn, data))

    @handles("finance", "sincerity_received")
    def registration_on_sincerity_received(self, event):
        """finance took the 诚意金: the registration is paid."""
        launches.apply_sincerity_received(self.db, event)

    @handles("finance", "sincerity_refunded")
    def registration_on_sincerity_refunded(self, event):
        """finance refunded the 诚意金: the registration is unpaid again."""
        launches.apply_sincerity_refunded(self.db, event)

    @command(s.RegistrationOut)
    def cancel_registration(self, actor, registration_id, data):
        """A registration withdrawn before the lottery's list is published."""
        return launches.cancel(self.db, actor, registration_id, load(s.RegistrationCancelIn, data)["reason"])

    @command(s.LotteryListOut)
    def publish_lottery(self, actor, launch_id, data):
        """The eligible list and the seed's commitment, published before the draw."""
        return launches.publish(self.db, actor, launch_id, load(s.LotteryPublishIn, data)["seed_commitment"])

    @query(s.LotteryListOut)
    def get_lottery_list(self, actor, launch_id):
        """The lottery's list as published."""
        return launches.get_published(self.db.session, actor, launch_id)

    @command(s.LotteryResultOut)
    def draw_lottery(self, actor, launch_id, data):
        """摇号: the seed revealed, the order derived; once."""
        data = load(s.LotteryDrawIn, data)
        return launches.draw(self.db, actor, launch_id, data["seed"], data["public_value"])

    @query(s.LotteryResultOut)
    def get_lottery_result(self, actor, launch_id):
        """The drawn order, with the seed and public value to verify it."""
        return launches.get_result(self.db.session, actor, launch_id)

    @query(report.LaunchReport)
    def launch_report(self, actor, launch_id):
        """开盘报告: the launch's figures (registrations, draw, windows, units sold, refusals)."""
        return launch_report.launch_report(self.db.session, actor, launch_id)
