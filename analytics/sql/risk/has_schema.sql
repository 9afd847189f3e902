{#- Whether the stored-ranking tables and the follow-ups' made_by column exist yet. -#}
SELECT (SELECT count(*) FROM information_schema.tables WHERE table_name IN ('risk_models', 'risk_scores')) = 2
   AND EXISTS (SELECT 1 FROM information_schema.columns
               WHERE table_name = 'warning_followups' AND column_name = 'made_by')
