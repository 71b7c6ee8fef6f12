"""The role names of DOMAIN.md. Which role may do what is decided by each route and service;
this is only the vocabulary they share (accounts carry it, tokens carry it)."""
ROLES = (
    "director",
    "manager",
    "supervisor",
    "advisor",
    "assistant",
    "finance",
    "hr",
    "developer_viewer",
)
AGENCY_WIDE = ("director",)  # sees every project of its agency without being assigned
