#!/bin/bash
# case wsd-minus-sqrt
TRAIN_ARGS=(
    --lr 0.001
    --min-lr 0.0
    --lr-decay-style WSD
    --lr-wsd-decay-style minus_sqrt
    --lr-warmup-iters 5
    --lr-wsd-decay-iters 30
    --train-iters 90
    --global-batch-size 4
)

torchrun --nproc_per_node 1 pretrain_gpt.py ${TRAIN_ARGS[@]} --data-path $1
