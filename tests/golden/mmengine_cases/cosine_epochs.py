train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=10)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=True, begin=0, end=3),
    dict(type='CosineAnnealingLR', T_max=7, by_epoch=True, begin=3, end=10),
]
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.05))
train_dataloader = dict(batch_size=16, drop_last=True)
