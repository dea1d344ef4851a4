#!/bin/bash
# Transformer on WMT'14 En-De (the fairseq translation example's recipe)
fairseq-train data-bin/wmt14_en_de \
    --arch transformer_wmt_en_de --share-all-embeddings \
    --optimizer adam --adam-betas '(0.9, 0.98)' --clip-norm 0.0 \
    --lr 7e-4 --lr-scheduler inverse_sqrt --warmup-updates 4000 --warmup-init-lr 1e-07 \
    --dropout 0.1 --weight-decay 0.0 \
    --criterion label_smoothed_cross_entropy --label-smoothing 0.1 \
    --max-tokens 4096 --update-freq 8 --max-update 100000 \
    --save-dir checkpoints/wmt14_en_de
