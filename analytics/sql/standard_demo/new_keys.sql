{#- The customer-days of the new products' lines (registered as demo_batch), as the temp table
    whose aggregates analytics.aggregates.refresh_order_aggregates recomputes. -#}
CREATE OR REPLACE TEMP TABLE undo_keys AS
SELECT DISTINCT CAST(customer_code AS VARCHAR) AS customer_id, DATE '1970-01-01' + order_date AS order_date
FROM demo_batch
