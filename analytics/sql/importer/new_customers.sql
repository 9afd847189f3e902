{#- Customers the store does not know, from an import's orders or visits, as temp table
    import_new_customers (a visit also gives its customer's manager: the latest visit's). From
    the import's day totals (`grouped`: agg_days, which know their unknown customers) or from
    the staged rows. -#}
CREATE TEMP TABLE import_new_customers AS
SELECT customer_id,
       {{ "arg_max(manager_id, visit_date)" if visits | default(false) else "NULL" }} AS manager_id
{% if grouped | default(false) %}
FROM agg_days s
WHERE s.unknown_customer
{% else %}
FROM import_stage s
WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = s.customer_id)
{% endif %}
GROUP BY customer_id
