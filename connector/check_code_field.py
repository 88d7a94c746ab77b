"""The compact per-call checks field: which rubric checks a call hit and missed, short enough for a Text(255) field.

Salesforce keeps no old or new values in history for text longer than 255 characters, so the long checks-hit and
checks-missed fields leave the report nothing per call. This field (`DealCoach_Checks_Code__c`, Text(255), its
history tracked) carries the same facts as two bitmaps over the rubric's checks (`sync.check_code`), written in the
call job's one deal update: no extra CRM request.
"""

from __future__ import annotations

CHECKS_CODE = "dealcoach_checks_code"
SALESFORCE_FIELD = "DealCoach_Checks_Code__c"
MAX_LENGTH = 255
