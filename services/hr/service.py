"""hr service: staff accounts, login check, roles and project assignment, the staff lifecycle,
training, recruiting, attendance and evaluation. The entrypoints are in entrypoints/, one
mixin per topic."""
from loupan.commands import CommandSweeper
from loupan.db import Database
from loupan.ops import OpsEndpoints
from loupan.projects import ProjectEvents, ProjectRegistry
from services.hr.models import metadata
from services.hr.passwords import HashLimit
from services.hr.entrypoints.accounts import AccountEntrypoints
from services.hr.entrypoints.attendance import AttendanceEntrypoints
from services.hr.entrypoints.evaluation import EvaluationEntrypoints
from services.hr.entrypoints.lifecycle import LifecycleEntrypoints
from services.hr.entrypoints.recruiting import RecruitingEntrypoints
from services.hr.entrypoints.reports import ReportEntrypoints
from services.hr.entrypoints.training import TrainingEntrypoints


class HrService(AccountEntrypoints, ReportEntrypoints, LifecycleEntrypoints, TrainingEntrypoints, RecruitingEntrypoints, AttendanceEntrypoints,
                EvaluationEntrypoints, ProjectEvents, OpsEndpoints, CommandSweeper):
    name = "hr"
    db = Database(metadata)
    projects = ProjectRegistry()
    password_hashes = HashLimit()  # at most HASH_CONCURRENCY scrypt computations at once
