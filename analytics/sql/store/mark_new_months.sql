{#- The import's months (agg_months) that the store did not have (between the months of day
    numbers $first and $last) are marked new_month. -#}
{% import "store/aggregates.sql" as aggregates %}
UPDATE agg_months k SET new_month = TRUE
WHERE NOT EXISTS (
    SELECT 1 FROM order_months m
    WHERE m.month BETWEEN {{ aggregates.day("first") }} AND {{ aggregates.day("last") }}
      AND m.customer_no = k.customer_no AND m.month = k.month
)
