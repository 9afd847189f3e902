{#- The generated customers (registered as demo_batch). -#}
INSERT INTO customers SELECT * FROM demo_batch
