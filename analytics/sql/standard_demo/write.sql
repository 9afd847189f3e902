{#- The demo's stock checks, complaints and receivables (registered as demo_batch), replacing
    any before. Which table comes from a fixed list in analytics.generator.standard. -#}
DELETE FROM {{ table | default("stock_checks") }};
INSERT INTO {{ table | default("stock_checks") }} BY NAME SELECT * FROM demo_batch
