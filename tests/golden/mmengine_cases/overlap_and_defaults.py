train_cfg = dict(by_epoch=True, max_epochs=8)
param_scheduler = [
    dict(type='ConstantLR', factor=0.5, begin=1, end=4),
    dict(type='ExponentialLR', gamma=0.9),
    dict(type='StepLR', step_size=3, gamma=0.5, begin=2, by_epoch=True),
]
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1))
train_dataloader = dict(batch_size=8)
