"""Domain events of the review workflow, sent by reviews' services once the change is committed.

Other apps (notifications) listen; reviews never knows who does. Each signal is sent with
`review=` (the Review) and `user=` (who acted).
"""

from django.dispatch import Signal

review_submitted = Signal()
review_confirmed = Signal()
review_returned = Signal()
review_reopened = Signal()
