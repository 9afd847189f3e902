{#- Staged rows of a customer the store does not know (stock checks, complaints and receivables
    need a known customer): their rows and customer ids. -#}
SELECT _row, customer_id
FROM import_stage s
WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = s.customer_id)
ORDER BY _row
