{#- Every customer_id of `source` (one of the tables with a customer_id column; with
    `missing_only`, of its rows without a customer_no) that has no number yet gets the next free
    one, in customer_id order. Numbers are never reused or changed. -#}
INSERT INTO customer_keys (customer_no, customer_id)
SELECT (SELECT coalesce(max(customer_no), 0) FROM customer_keys)
       + CAST(row_number() OVER (ORDER BY customer_id) AS INTEGER), customer_id
FROM (
    SELECT DISTINCT customer_id
    FROM (
        SELECT customer_id FROM {{ source | default("orders") }}
        {%- if missing_only | default(false) %} WHERE customer_no IS NULL{% endif %}

    ) i
    WHERE customer_id IS NOT NULL
) n
WHERE customer_id NOT IN (SELECT customer_id FROM customer_keys)
