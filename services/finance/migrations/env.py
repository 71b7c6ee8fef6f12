from loupan.migrate import run_env
from services.finance.models import metadata

run_env(metadata)
