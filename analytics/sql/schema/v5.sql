{#- Version 4 -> 5: the dashboard's accounts and audit log, the stored risk ranking and who made
    a follow-up, and the optional tables of the rest of the service standard (stock checks,
    complaints, receivables). Each part is also the DDL its module runs on a store that has not
    been migrated yet, so it is written once, in its area. -#}
{% include "accounts/schema.sql" %};
{% include "risk/schema.sql" %};
{% include "schema/standard_tables.sql" %}
