from loupan.migrate import run_env
from services.hr.models import metadata

run_env(metadata)
