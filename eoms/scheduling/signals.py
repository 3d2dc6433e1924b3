"""Domain events of scheduling, for the modules above (fieldwork, costs, reports, ...).

Sent after the transaction that caused them commits; connect in your app's `apps.py`.
"""

from django.dispatch import Signal

# sender=Task, task=…, day=… (the sweep's date), days_overdue=… (working days, today being
# the n-th working day past the planned finish), escalated=… (management was told today)
task_overdue = Signal()
# sender=Task, task=…, actor=… : a task became done (progress reached 100 % or an actual
# finish was given); sent once per change to done
task_completed = Signal()
