{#- How many customer-months the store holds between the months of day numbers $first and $last. -#}
{% import "store/aggregates.sql" as aggregates %}
SELECT count(*)
FROM order_months
WHERE month BETWEEN {{ aggregates.day("first") }} AND {{ aggregates.day("last") }}
