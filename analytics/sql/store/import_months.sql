{#- The import's month increments as temp table agg_months, new_month to be settled. -#}
{% import "store/aggregates.sql" as aggregates %}
CREATE TEMP TABLE agg_months AS
SELECT *, FALSE AS new_month FROM ({{ aggregates.month_increments(all_new | default(false)) }}) n
