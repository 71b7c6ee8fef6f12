"""选房大屏: the selection big screen of a launch on the sales office's wall (issue 18). A mixin
of GatewayService, read-only, two ways in:

- a signed-in staff member (`launches.read`): GET /api/launches/<id>/screen;
- an unattended screen with a director's display token (`lpd_…`, gateway/routes/display.py):
  GET /api/display/launches/<id>/screen, which checks the token itself as the wall's board
  does and reads as a viewer of the token's one project: a launch of another project, or of
  another agency, does not exist for it (404 LAUNCH_NOT_FOUND).

The answer is composed here from inventory's reads (the launch, the site's 选房 view, the
lottery's published list and result, the board) and keeps only what a room may see: 认筹号 and
the masked name (张**), never an ID number, a mobile or a full name. The units' changes are
pushed to the screen by the live feed (gateway/feed), which takes the same display token."""
import json

from gateway.http import route
from gateway.routes.display import UNAUTHORIZED, display_viewer
from loupan.errors import Forbidden, NotFound
from loupan.schemas import gateway_launch_screen as ls
from loupan.types import utcnow

NOT_FOUND = {"404": "no such launch, or one of another project or agency (LAUNCH_NOT_FOUND)"}
LAUNCH_FIELDS = ("id", "project_id", "name", "mode", "status", "opens_at", "window_size", "window_minutes",
                 "units_per_buyer")


def buyer_state(choosing, units_per_buyer):
    """choosing, chosen (confirmed all they may) or gave_up (finished with fewer: 放弃)."""
    if choosing["status"] != "done":
        return "choosing"
    return "chosen" if choosing["confirmed"] >= units_per_buyer else "gave_up"


def window_of(position, window_size):
    return (position - 1) // window_size + 1


def next_window(launch, selection, order, names):
    """The window after the current one: its number, when it opens at the latest, its buyers."""
    current = selection.get("current_window")
    if launch["mode"] != "lottery" or not current or current["over"]:
        return None
    number = current["number"] + 1
    if number > selection["windows_total"]:
        return None
    members = [{"position": e["position"], "number": e["number"], "buyer_name": names.get(e["number"], "*")}
               for e in order if window_of(e["position"], launch["window_size"]) == number]
    return {"number": number, "opens_at": current["closes_at"], "members": members}


def screen_units(board, unit_ids):
    """The launch's units as the board has them: building, floor, number, layout, area, price, status."""
    wanted, units = set(unit_ids), []
    for building in board.get("buildings") or []:
        for floor in building.get("floors") or []:
            for unit in floor.get("units") or []:
                if unit.get("id") in wanted:
                    units.append({"id": unit["id"], "building": building.get("name"), "number": unit.get("number"),
                                  "floor": floor.get("floor"), "layout": unit.get("layout"),
                                  "gross_area": unit.get("gross_area"), "list_price": unit.get("list_price"),
                                  "status": unit.get("status")})
    return units


class LaunchScreenRoutes:
    def launch_screen_state(self, actor, launch_id, label=None):
        launch = self.inventory.get_launch(actor, launch_id)
        selection = self.inventory.get_selection(actor, launch_id)
        order, names = [], {}
        if launch["mode"] == "lottery" and launch.get("drawn"):
            order = self.inventory.get_lottery_result(actor, launch_id)["order"]
            names = {e["number"]: e["name"] for e in self.inventory.get_lottery_list(actor, launch_id)["entries"]}
        board = json.loads(self.inventory.get_board(actor, launch["project_id"]))
        upb = launch["units_per_buyer"]
        return {
            "label": label, "project_name": (board.get("project") or {}).get("name"), "now": utcnow().isoformat(),
            "launch": {k: launch[k] for k in LAUNCH_FIELDS}, "windows_total": selection["windows_total"],
            "current_window": selection.get("current_window"),
            "choosing": [{"position": c["position"], "number": c["number"], "buyer_name": c["buyer_name"],
                          "state": buyer_state(c, upb), "confirmed": c["confirmed"]}
                         for c in selection.get("choosing") or []],
            "next_window": next_window(launch, selection, order, names),
            "sold": selection["sold"], "units": screen_units(board, launch["unit_ids"]),
        }

    @route("GET", "/api/launches/<int:launch_id>/screen", response=ls.LaunchScreen, errors=NOT_FOUND,
           summary="选房大屏: the launch's current window with its buyers masked (认筹号, 张**) and who chose or "
                   "gave up, the next window, the countdown and the units with their status; no personal data")
    def get_launch_screen(self, request, actor, launch_id):
        return self.launch_screen_state(actor, launch_id)

    @route("GET", "/api/display/launches/<int:launch_id>/screen", response=ls.LaunchScreen,
           errors=dict(UNAUTHORIZED, **NOT_FOUND),
           summary="选房大屏 on a display token (Authorization: Bearer lpd_…): the screen of a launch of the "
                   "token's own project, as GET /api/launches/<id>/screen answers it; any other launch is 404")
    def display_launch_screen(self, request, launch_id):
        row, viewer = display_viewer(self.db.engine, request)  # as the wall's board reads it
        try:
            return self.launch_screen_state(viewer, launch_id, row.label)
        except Forbidden:  # a launch of another project of the agency: not this screen's to know
            raise NotFound(f"launch {launch_id} not found", "LAUNCH_NOT_FOUND") from None

