from loupan.migrate import run_env
from services.crm.models import metadata

run_env(metadata)
