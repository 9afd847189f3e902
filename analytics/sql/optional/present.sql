{#- Which of the optional tables (stock_checks, complaints, receivables) exist:
    the names of those the store has. -#}
SELECT table_name FROM information_schema.tables
WHERE table_name IN ('stock_checks', 'complaints', 'receivables')
