{#- How many order days the store holds between day numbers $first and $last (the range lets it
    skip the row groups of other periods). -#}
{% import "store/aggregates.sql" as aggregates %}
SELECT count(*)
FROM order_days
WHERE order_date BETWEEN {{ aggregates.day("first") }} AND {{ aggregates.day("last") }}
