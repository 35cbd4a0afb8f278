"""市残联 (Disabled Persons' Federation): the poor disabled people board."""
