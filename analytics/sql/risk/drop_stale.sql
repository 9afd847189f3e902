{#- Forget the scores of older data versions' rankings and this key's old scores (run before
    risk/drop_stale_models, which forgets the rankings themselves). -#}
DELETE FROM risk_scores
WHERE model_key = $model_key
   OR model_key IN (SELECT model_key FROM risk_models WHERE data_version <> $data_version)
