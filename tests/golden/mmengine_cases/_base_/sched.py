train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=6, val_interval=1)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=7),
    dict(type='MultiStepLR', begin=0, end=6, by_epoch=True, milestones=[3, 5], gamma=0.1),
]
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.02, momentum=0.9))
train_dataloader = dict(batch_size=4)
auto_scale_lr = dict(enable=False, base_batch_size=16)
