{#- The generated managers (registered as demo_batch). -#}
INSERT INTO managers SELECT * FROM demo_batch
