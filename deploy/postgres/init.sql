-- One database per service (docs/design.md, "Data"). Run once by the postgres image on an empty
-- data directory, as POSTGRES_USER, who therefore owns the databases.
-- Tables are created by `python -m loupan.migrate <service config.yaml>` (the migrate service).
CREATE DATABASE hr;
CREATE DATABASE inventory;
CREATE DATABASE crm;
CREATE DATABASE contracts;
CREATE DATABASE finance;
CREATE DATABASE gateway;
