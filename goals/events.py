"""Domain events of the sheet workflow, sent by goals' services once the change is committed.

Other apps (notifications) listen; goals never knows who does. Each signal is sent with
`sheet=` (the GoalSheet) and `user=` (who acted).
"""

from django.dispatch import Signal

sheet_submitted = Signal()
sheet_returned = Signal()
sheet_accepted = Signal()
sheet_revision_started = Signal()
