"""Create an agency and its first director account (the account that creates all others).

    python -m services.hr.create_director services/hr/config.yaml \
        --agency 示例代理 --code demo --username director --password '…' --name 张总

The director's username is as given (unique across agencies); the accounts the agency makes
later are named `<code>.<name>` (code: lowercase letters, digits, dashes; a<agency id> when
not given).
"""
import argparse

from loupan.config import load_config
from loupan.uow import make_engine, unit_of_work
from loupan.outbox import Outbox
from loupan.roles import DIRECTOR
from services.hr import accounts
from services.hr.models import metadata


def create_director(config, agency_name, username, password, full_name, code=None):
    engine = make_engine(config["DATABASE_URL"])
    outbox = Outbox(metadata.tables["outbox"], "hr", engine, config["AMQP_URI"])
    try:
        with unit_of_work(engine) as uow:
            uow.outbox = outbox  # the event is written now, relayed when the service runs
            agency = accounts.add_agency(uow, agency_name, code)
            account = accounts.add_account(
                uow, agency.id,
                {"username": username, "password": password, "full_name": full_name, "role": DIRECTOR},
                namespaced=False,
            )
            uow.commit()
            return agency.id, account.id
    finally:
        engine.dispose()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("config")
    parser.add_argument("--agency", required=True)
    parser.add_argument("--code", default=None, help="prefix of the agency's login names (default a<id>)")
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--name", default="总监")
    args = parser.parse_args()
    agency_id, account_id = create_director(
        load_config(args.config), args.agency, args.username, args.password, args.name, args.code
    )
    print(f"agency {agency_id} created with director account {account_id} ({args.username})")


if __name__ == "__main__":
    main()
