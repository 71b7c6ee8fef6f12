"""Customer import entrypoints: an agency's old spreadsheet read and dry-run, then the dry run
confirmed (services/crm/customer_imports.py). A mixin of CrmService."""
from loupan.entrypoints import command, query
from loupan.schemas import load
from loupan.schemas import crm_customer_imports as s
from services.crm import customer_imports, customers


class CustomerImportEntrypoints:

    @command(s.CustomerImportOut)
    def preview_customer_import(self, actor, project_id, data):
        """The dry run of a customer spreadsheet: each row's problems and judgement; nothing
        but the dry run itself is written. The file is read in a child process first."""
        data = load(s.CustomerImportRpcIn, data)
        customer_imports.check_may_import(actor, project_id)
        rows = customer_imports.read_file(customer_imports.decode(data["content"]))
        return customer_imports.preview(self.db, actor, project_id, rows, data["file_name"], data["staff"],
                                        keep=customer_imports.keep_minutes(self.config))

    @query(s.CustomerImportOut)
    def get_customer_import(self, actor, import_id):
        """A dry run, or the import it became."""
        return customer_imports.get_import(self.db.session, actor, import_id)

    @command(s.CustomerImportOut)
    def confirm_customer_import(self, actor, import_id, data):
        """The office confirms a dry run: its good rows imported, once; logged with the exports."""
        data = load(s.CustomerImportConfirmRpcIn, data)
        return customer_imports.confirm(self.db, actor, import_id, data["staff"],
                                        default_days=customers.default_protection_days(self.config))
