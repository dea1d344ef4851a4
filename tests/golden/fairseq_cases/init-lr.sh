#!/bin/bash
fairseq-train data-bin --arch transformer --lr-scheduler inverse_sqrt --lr 0.0007 --warmup-updates 40 --warmup-init-lr 1e-07 --max-update 200
