train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=9)
param_scheduler = dict(type='CosineRestartLR', periods=[3, 6], restart_weights=[1, 0.5], eta_min_ratio=0.01,
                       by_epoch=True, convert_to_iter_based=True)
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.4 / 4))
train_dataloader = dict(batch_size=4)
auto_scale_lr = dict(enable=True, base_batch_size=16)
