"""The documents an office prints, as PDF in Chinese: 认购书, 收款收据, 置业计划书 and the daily
销控表, drawn from the services' answers the API gives (gateway/routes/documents.py)."""
