{#- The generated monthly sales targets (registered as demo_batch). -#}
INSERT INTO targets SELECT manager_id, month, sales_target, NULL FROM demo_batch
