"""hr service: staff accounts, login check, roles and project assignment, the staff lifecycle,
training, recruiting, attendance and evaluation. The entrypoints are in entrypoints/, one
mixin per topic."""
from loupan.commands import CommandSweeper
from loupan.db import Database
from loupan.ops import OpsEndpoints
from loupan.projects import ProjectEvents, ProjectRegistry
from services.hr.models import metadata
from services.hr.entrypoints.accounts import AccountEntrypoints
from services.hr.entrypoints.attendance import AttendanceRpc
from services.hr.entrypoints.evaluation import EvaluationRpc
from services.hr.entrypoints.lifecycle import LifecycleRpc
from services.hr.entrypoints.recruiting import RecruitingRpc
from services.hr.entrypoints.reports import FiguresRpc
from services.hr.entrypoints.training import TrainingRpc


class HrService(AccountEntrypoints, FiguresRpc, LifecycleRpc, TrainingRpc, RecruitingRpc, AttendanceRpc,
                EvaluationRpc, ProjectEvents, OpsEndpoints, CommandSweeper):
    name = "hr"
    db = Database(metadata)
    projects = ProjectRegistry()
