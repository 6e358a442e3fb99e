"""The core's tables (Tortoise app label ``core``).

Times are stored in UTC (``use_tz``); dates shown to people are Asia/Shanghai. Every table a
service writes to is here, so one transaction can change a case, append its audit event and move its
timers together. Plugins that need tables of their own declare them in their own app label.
"""

from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model


def new_public_id() -> str:
    """A random identifier for URLs and the API (122 random bits): never guessable in sequence."""
    return uuid.uuid4().hex


class Center(Model):
    """A city or county service center, or a sub-center (tenant)."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=128)
    short_name = fields.CharField(max_length=16, description="prefix of case numbers, e.g. LZ")
    doc_prefix = fields.CharField(max_length=16, default="政服", description="文号 prefix, e.g. 连政服")
    parent: fields.ForeignKeyNullableRelation[Center] = fields.ForeignKeyField(
        "core.Center", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    plugins = fields.JSONField(default=list, description="names of the plugins this center enables")
    office_hours = fields.JSONField(default=list)
    settings = fields.JSONField(default=dict, description="alert thresholds and other knobs")
    address = fields.CharField(max_length=256, default="")
    phone = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "center"


class Department(Model):
    id = fields.IntField(primary_key=True)
    center: fields.ForeignKeyRelation[Center] = fields.ForeignKeyField(
        "core.Center", related_name="departments", on_delete=fields.CASCADE
    )
    code = fields.CharField(max_length=32)
    name = fields.CharField(max_length=128)
    category = fields.CharField(max_length=32, default="", description="used to pick joint-case leads")
    back_office = fields.CharField(max_length=256, default="")
    abbreviation = fields.CharField(max_length=16, default="", db_default="", description="文号 prefix of its decisions, e.g. 连市监审")
    seal_name = fields.CharField(max_length=128, default="", db_default="", description="caption of its seal, by default the name followed by 审批专用章")
    # 救济途径 (see core.services.remedy); db_default: added to tables that had rows
    reconsideration = fields.CharField(
        max_length=64, default="", db_default="",
        description="行政复议机关 its refusals and returns name (empty: the center setting, else the generic text)",
    )
    court = fields.CharField(
        max_length=64, default="", db_default="",
        description="人民法院 for 行政诉讼 its refusals and returns name (empty: the center setting, else the generic text)",
    )
    position = fields.IntField(
        default=0, db_default=0,
        description="its place in the center's order (the center file's, then those added on screen), ties by id",
    )
    created_at = fields.DatetimeField(
        null=True,
        description="when it was added after its center began (on 中心管理 or by a later center file), null for those that came with it",
    )

    class Meta:
        table = "department"
        unique_together = (("center", "code"),)


DEPARTMENT_ORDER = ("position", "id")
"""How a center's departments are listed wherever it lists them (中心管理, statistics and their
exports, supervision): the center's order, ``order_by(*DEPARTMENT_ORDER)``."""


class Window(Model):
    id = fields.IntField(primary_key=True)
    center: fields.ForeignKeyRelation[Center] = fields.ForeignKeyField(
        "core.Center", related_name="windows", on_delete=fields.CASCADE
    )
    code = fields.CharField(max_length=32)
    name = fields.CharField(max_length=128)
    kind = fields.CharField(max_length=16, default="special", description="comprehensive|special|pickup")
    department: fields.ForeignKeyNullableRelation[Department] = fields.ForeignKeyField(
        "core.Department", related_name="windows", null=True, on_delete=fields.SET_NULL
    )
    serves = fields.JSONField(default=list, description="department codes a comprehensive window serves")
    closed_at = fields.DatetimeField(null=True, description="when it was closed (撤销) on 中心管理, null while it is open")

    class Meta:
        table = "service_window"
        unique_together = (("center", "code"),)


WINDOW_ORDER = ("id",)
"""How a center's windows are listed wherever it lists them (中心管理, the assessment's ties): the
center's order, the center file's and then those added on screen, ``order_by(*WINDOW_ORDER)``."""


class User(Model):
    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=64, unique=True)
    password_hash = fields.CharField(max_length=256)
    display_name = fields.CharField(max_length=64, default="")
    phone = fields.CharField(max_length=32, default="")
    id_number = fields.CharField(max_length=32, default="")
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "user_account"


class RoleAssignment(Model):
    """A role a user holds in one center, optionally limited to one department."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="roles", on_delete=fields.CASCADE
    )
    center: fields.ForeignKeyRelation[Center] = fields.ForeignKeyField(
        "core.Center", related_name="role_assignments", on_delete=fields.CASCADE
    )
    role = fields.CharField(max_length=16)
    department: fields.ForeignKeyNullableRelation[Department] = fields.ForeignKeyField(
        "core.Department", related_name="role_assignments", null=True, on_delete=fields.CASCADE
    )
    window: fields.ForeignKeyNullableRelation[Window] = fields.ForeignKeyField(
        "core.Window", related_name="role_assignments", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "role_assignment"
        # the sign-in reads a user's roles on every request that the process does not keep
        indexes = (("user_id",),)


class Token(Model):
    """A bearer token: only its SHA-256 is stored, so a database leak reveals no usable token."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="tokens", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "token"
        # signing a user out everywhere (and deleting a user) finds their tokens by user
        indexes = (("user_id",),)


class LoginThrottle(Model):
    """Failed logins of one username (``account:<name>``) or client address (``address:<ip>``).

    ``failures`` counts the current window (from ``window_start``) and includes attempts still being
    checked, so parallel guesses cannot outrun the limit; ``locked_until`` refuses every attempt,
    the right password too; ``lockouts`` makes the next lock twice as long."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=160, unique=True)
    failures = fields.IntField(default=0)
    window_start = fields.DatetimeField()
    locked_until = fields.DatetimeField(null=True)
    lockouts = fields.IntField(default=0)

    class Meta:
        table = "login_throttle"


class SecurityEvent(Model):
    """The security audit log (append only): failed logins, lockouts, refused downloads..."""

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)
    kind = fields.CharField(max_length=32, description="login_failed|login_locked|login_refused_locked|...")
    username = fields.CharField(max_length=64, default="", description="as typed, cut to 64 characters")
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="security_events", null=True, on_delete=fields.SET_NULL
    )
    address = fields.CharField(max_length=64, default="")
    detail = fields.JSONField(default=dict)

    class Meta:
        table = "security_event"
        indexes = (("kind", "at"),)


class AppSecret(Model):
    """Secrets one deployment shares across processes and restarts (the download-link key)."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=32, unique=True)
    value = fields.CharField(max_length=128)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "app_secret"


class CalendarDay(Model):
    """A day a center entered: a holiday or a make-up working day (调休)."""

    id = fields.IntField(primary_key=True)
    center: fields.ForeignKeyRelation[Center] = fields.ForeignKeyField(
        "core.Center", related_name="calendar_days", on_delete=fields.CASCADE
    )
    day = fields.DateField()
    workday = fields.BooleanField()
    name = fields.CharField(max_length=64, default="")

    class Meta:
        table = "calendar_day"
        unique_together = (("center", "day"),)


class CalendarYear(Model):
    """A year whose schedule a center entered in full: its deadlines are no longer provisional."""

    id = fields.IntField(primary_key=True)
    center: fields.ForeignKeyRelation[Center] = fields.ForeignKeyField(
        "core.Center", related_name="calendar_years", on_delete=fields.CASCADE
    )
    year = fields.IntField()
    source = fields.CharField(max_length=256, default="")
    entered_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "calendar_year"
        unique_together = (("center", "year"),)


class Item(Model):
    """An item (事项) of a center: its editable draft. Published versions live in ItemVersion."""

    id = fields.IntField(primary_key=True)
    center: fields.ForeignKeyRelation[Center] = fields.ForeignKeyField(
        "core.Center", related_name="items", on_delete=fields.CASCADE
    )
    code = fields.CharField(max_length=64)
    draft = fields.JSONField(null=True)
    latest_version = fields.IntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "item"
        unique_together = (("center", "code"),)


class ItemVersion(Model):
    """An immutable published version of an item: cases point here forever."""

    id = fields.IntField(primary_key=True)
    item: fields.ForeignKeyRelation[Item] = fields.ForeignKeyField(
        "core.Item", related_name="versions", on_delete=fields.RESTRICT
    )
    center: fields.ForeignKeyRelation[Center] = fields.ForeignKeyField(
        "core.Center", related_name="item_versions", on_delete=fields.CASCADE
    )
    code = fields.CharField(max_length=64)
    version = fields.IntField()
    name = fields.CharField(max_length=256)
    definition = fields.JSONField()
    published_at = fields.DatetimeField(auto_now_add=True)
    published_by = fields.CharField(max_length=64, default="")

    class Meta:
        table = "item_version"
        unique_together = (("item", "version"),)
        indexes = (("center_id", "code", "version"),)


class Case(Model):
    """A case (办件). ``version`` is the optimistic lock: each change bumps it by one."""

    id = fields.IntField(primary_key=True)
    center: fields.ForeignKeyRelation[Center] = fields.ForeignKeyField(
        "core.Center", related_name="cases", on_delete=fields.RESTRICT
    )
    number = fields.CharField(max_length=48, unique=True)
    item_version: fields.ForeignKeyRelation[ItemVersion] = fields.ForeignKeyField(
        "core.ItemVersion", related_name="cases", on_delete=fields.RESTRICT
    )
    process = fields.CharField(max_length=64)
    applicant: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="cases", on_delete=fields.RESTRICT
    )
    agent: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="agent_cases", null=True, on_delete=fields.RESTRICT
    )
    responsible: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="responsible_cases", null=True, on_delete=fields.SET_NULL,
        description="首问负责: the first clerk who handled the case",
    )
    department: fields.ForeignKeyNullableRelation[Department] = fields.ForeignKeyField(
        "core.Department", related_name="cases", null=True, on_delete=fields.RESTRICT
    )
    window: fields.ForeignKeyNullableRelation[Window] = fields.ForeignKeyField(
        "core.Window", related_name="cases", null=True, on_delete=fields.SET_NULL
    )
    applicant_name = fields.CharField(max_length=256, default="")
    data = fields.JSONField(default=dict)
    state = fields.CharField(max_length=32)
    kind = fields.CharField(max_length=16, description="immediate|promised|supplement|joint|returned|urgent|reply|report_up")
    urgent = fields.BooleanField(default=False)
    flags = fields.JSONField(default=dict)  # plugins' marks on the case, by name (core.api.set_case_flag)
    channel = fields.CharField(max_length=16, default="web")
    version = fields.IntField(default=1)
    submitted_at = fields.DatetimeField(auto_now_add=True)
    accepted_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True, db_index=True)
    accepted_on = fields.DateField(null=True, db_index=True, description="acceptance date in the center's zone")
    completed_on = fields.DateField(null=True)
    promised_due = fields.DateField(null=True)
    legal_due = fields.DateField(null=True)
    deadline_provisional = fields.BooleanField(default=False)
    promised_days = fields.IntField(default=0)
    actual_days = fields.IntField(null=True)
    legal_days = fields.IntField(
        null=True, description="法定时限 (working days) the completed case is measured against, 0 when its item sets none"
    )
    legal_actual_days = fields.IntField(
        null=True, description="working days from acceptance to completion on the legal clock (special procedures left out)"
    )
    alert = fields.CharField(max_length=8, default="NONE")
    updated_at = fields.DatetimeField(auto_now=True)
    submit_key = fields.CharField(
        max_length=80, null=True, unique=True,
        description="the submitter's id and the key its form sent (submitCase's submitKey): the same form sent again after a lost answer finds this case",
    )

    class Meta:
        table = "gh_case"
        # The work queues list urgent cases first, then by id (core.services.cases.list_cases reads the
        # urgent and the other cases as two index ranges): each list filter has its index. A
        # submission looks for the applicant's open case of the item under the same name
        # (core.services.duplicate_cases): only the not completed ones of its index range.
        indexes = (
            ("center_id", "urgent", "id"), ("center_id", "state", "urgent", "id"),
            ("center_id", "alert", "urgent", "id"), ("department_id", "urgent", "id"),
            ("responsible_id", "urgent", "id"), ("applicant_id", "id"), ("agent_id", "id"),
            ("center_id", "accepted_on"), ("center_id", "completed_on"), ("center_id", "promised_due"),
            ("applicant_id", "item_version_id", "applicant_name", "completed_at"),
        )


class CaseDayStat(Model):
    """The year-end figures of one center, department (0: none) and day: cases accepted that day,
    and cases completed that day with their promised and actual working days and how many were on
    time, and those of them with a legal time limit with their legal and actual days on the legal
    clock. Kept by triggers on ``gh_case`` in the transaction that changes a case
    (:mod:`core.plumbing.stats_summary`), so a year's statistics read at most 366 rows per department."""

    id = fields.BigIntField(primary_key=True)
    center_id = fields.IntField()
    department_id = fields.IntField(default=0)
    day = fields.DateField()
    accepted = fields.IntField(default=0)
    completed = fields.IntField(default=0)
    promised_sum = fields.BigIntField(default=0)
    actual_sum = fields.BigIntField(default=0)
    on_time = fields.IntField(default=0)
    # added to a table with rows: the database's own default fills them (the migration then recomputes them)
    promised_actual_sum = fields.BigIntField(default=0, db_default=0, description="actual days of the cases with a promised limit")
    legal_completed = fields.IntField(default=0, db_default=0, description="completed cases with a legal time limit")
    legal_sum = fields.BigIntField(default=0, db_default=0, description="their legal days")
    legal_actual_sum = fields.BigIntField(default=0, db_default=0, description="their actual days on the legal clock")

    class Meta:
        table = "case_day_stat"
        unique_together = (("center_id", "department_id", "day"),)
        indexes = (("center_id", "day"),)


class CaseEvent(Model):
    """One line of a case's audit log. Appended in the same transaction as the change: never updated."""

    id = fields.BigIntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "core.Case", related_name="events", on_delete=fields.RESTRICT
    )
    seq = fields.IntField()
    action = fields.CharField(max_length=48)
    from_state = fields.CharField(max_length=32, default="")
    to_state = fields.CharField(max_length=32, default="")
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="events", null=True, on_delete=fields.RESTRICT
    )
    actor_name = fields.CharField(max_length=64, default="")
    role = fields.CharField(max_length=16, default="")
    at = fields.DatetimeField(auto_now_add=True)
    comment = fields.TextField(default="")
    changes = fields.JSONField(default=dict)

    class Meta:
        table = "case_event"
        unique_together = (("case", "seq"),)


class CaseTask(Model):
    """A department's part of a joint case (联办件): each has its own deadline."""

    id = fields.IntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "core.Case", related_name="tasks", on_delete=fields.CASCADE
    )
    department: fields.ForeignKeyRelation[Department] = fields.ForeignKeyField(
        "core.Department", related_name="tasks", on_delete=fields.RESTRICT
    )
    lead = fields.BooleanField(default=False)
    state = fields.CharField(max_length=16, default="open", description="open|approved|refused")
    due = fields.DateField(null=True)
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="decided_tasks", null=True, on_delete=fields.SET_NULL
    )
    decided_at = fields.DatetimeField(null=True)
    comment = fields.TextField(default="")
    basis = fields.TextField(default="", db_default="", description="legal basis of a refusal (不予通过的法律依据)")

    class Meta:
        table = "case_task"
        unique_together = (("case", "department"),)


class Timer(Model):
    """A running deadline the sweeper watches. ``check_at`` is when its alert level may next change,
    so a sweep reads only timers that are due, never every open case."""

    id = fields.BigIntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "core.Case", related_name="timers", on_delete=fields.CASCADE
    )
    task: fields.ForeignKeyNullableRelation[CaseTask] = fields.ForeignKeyField(
        "core.CaseTask", related_name="timers", null=True, on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=16, default="promised", description="promised|legal|task|return")
    working_days = fields.IntField()
    extra_days = fields.IntField(default=0)
    started_on = fields.DateField()
    due = fields.DateField(null=True)
    provisional = fields.BooleanField(default=False)
    state = fields.CharField(max_length=12, default="running", description="running|paused|stopped")
    alert = fields.CharField(max_length=8, default="NONE")
    check_at = fields.DatetimeField(null=True, db_index=True)

    class Meta:
        table = "timer"
        indexes = (("case_id", "id"),)


class Pause(Model):
    """The clock stopped for a reason the law excludes (corrections, hearing, survey...)."""

    id = fields.IntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "core.Case", related_name="pauses", on_delete=fields.CASCADE
    )
    reason = fields.CharField(max_length=32)
    note = fields.TextField(default="")
    kinds = fields.JSONField(null=True, description="timer kinds it stops, null for every timer")
    started_on = fields.DateField()
    ended_on = fields.DateField(null=True)

    class Meta:
        table = "pause"
        indexes = (("case_id", "id"),)


class Extension(Model):
    """A time-limit extension approved by the head (延期), recorded with its reason."""

    id = fields.IntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "core.Case", related_name="extensions", on_delete=fields.CASCADE
    )
    days = fields.IntField()
    reason = fields.TextField()
    approved_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="extensions", on_delete=fields.RESTRICT
    )
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "extension"


class Counter(Model):
    """Sequence numbers per scope (case numbers per center and day, document numbers per center,
    kind and year). Incremented with an UPDATE inside the caller's transaction: never reused."""

    id = fields.IntField(primary_key=True)
    scope = fields.CharField(max_length=96, unique=True)
    value = fields.BigIntField(default=0)

    class Meta:
        table = "counter"


class Document(Model):
    """An issued PDF: numbered, hashed, stored, verifiable by a code printed on the page."""

    id = fields.IntField(primary_key=True)
    public_id = fields.CharField(max_length=32, unique=True, default=new_public_id,
                                 description="the id in URLs and the API (random, not the row number)")
    center: fields.ForeignKeyRelation[Center] = fields.ForeignKeyField(
        "core.Center", related_name="documents", on_delete=fields.RESTRICT
    )
    case: fields.ForeignKeyNullableRelation[Case] = fields.ForeignKeyField(
        "core.Case", related_name="documents", null=True, on_delete=fields.RESTRICT
    )
    kind = fields.CharField(max_length=32)
    title = fields.CharField(max_length=128, default="")
    number = fields.CharField(max_length=64)
    issuer = fields.CharField(max_length=128, default="", db_default="",
                              description="出具单位 as printed under the seal when issued (empty: issued before it was kept)")
    issued_on = fields.DateField()
    issued_at = fields.DatetimeField(auto_now_add=True)
    sha256 = fields.CharField(max_length=64)  # of the PDF; empty until it is rendered
    verify_code = fields.CharField(max_length=32, unique=True)
    content = fields.BinaryField()  # the PDF; empty until it is rendered
    size = fields.IntField(default=0)
    # Rendering happens after the issuing transaction commits (core.services.documents.rendering): the row
    # is numbered and stored first, ``pending`` with its frozen context, then ``ready`` with the PDF,
    # or ``failed`` once every attempt has.
    state = fields.CharField(max_length=16, default="ready", db_default="ready", description="pending, ready or failed")
    render_context = fields.TextField(null=True, description="frozen template context (JSON) until rendered")
    attempts = fields.SmallIntField(default=0, db_default=0)
    last_error = fields.TextField(default="", db_default="")
    next_attempt_at = fields.DatetimeField(null=True, description="a pending render is not claimed before")
    claimed_until = fields.DatetimeField(null=True, description="a renderer holds the render until then")
    progress = fields.SmallIntField(default=100, db_default=100, description="percent of the render done")
    rendered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "document"
        unique_together = (("center", "number"),)
        indexes = (("case_id",), ("state", "next_attempt_at"))


class Blob(Model):
    """Uploaded file content, stored once by SHA-256 whoever uploads it."""

    id = fields.IntField(primary_key=True)
    sha256 = fields.CharField(max_length=64, unique=True)
    size = fields.IntField()
    content_type = fields.CharField(max_length=128)
    content = fields.BinaryField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "blob"


class Material(Model):
    """A material an applicant supplied: ``case`` is null until it is attached. A later case of the
    same owner may attach the same blob again (材料共享) without uploading it again.

    While a case awaits correction (补正) its applicant may replace or withdraw an attached file:
    the row stays with the case (its history, 已替换 or 已撤回, with who and when) but no longer
    counts as provided (``withdrawn_at`` is set, ``replaced_by`` names the file that took its place)."""

    id = fields.IntField(primary_key=True)
    public_id = fields.CharField(max_length=32, unique=True, null=True, default=new_public_id,
                                 description="the id clients see in GraphQL and URLs (random)")
    owner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="materials", on_delete=fields.RESTRICT
    )
    case: fields.ForeignKeyNullableRelation[Case] = fields.ForeignKeyField(
        "core.Case", related_name="materials", null=True, on_delete=fields.RESTRICT
    )
    blob: fields.ForeignKeyRelation[Blob] = fields.ForeignKeyField(
        "core.Blob", related_name="materials", on_delete=fields.RESTRICT
    )
    code = fields.CharField(max_length=64, default="", description="the item's material code")
    catalogue = fields.CharField(max_length=64, default="",
                                 description="what the material is, shared across items (e.g. yyzz 营业执照)")
    filename = fields.CharField(max_length=256, default="")
    center: fields.ForeignKeyNullableRelation[Center] = fields.ForeignKeyField(
        "core.Center", related_name="uploads", null=True, on_delete=fields.SET_NULL,
        description="the center named at upload: its quota counts the file until it is attached",
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    withdrawn_at = fields.DatetimeField(null=True, description="when it stopped counting for the case (replaced or withdrawn during a correction)")
    withdrawn_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="withdrawn_materials", null=True, on_delete=fields.RESTRICT,
        description="who replaced or withdrew it",
    )
    replaced_by: fields.ForeignKeyNullableRelation[Material] = fields.ForeignKeyField(
        "core.Material", related_name="replaced", null=True, on_delete=fields.RESTRICT,
        description="the file that took its place (empty for a file withdrawn without one)",
    )

    class Meta:
        table = "material"
        indexes = (("case_id",), ("owner_id", "id"), ("case_id", "created_at"))


class ReceivedMaterial(Model):
    """柜台收件: a paper material the front desk received at acceptance (which material, original or
    copy, how many). With the uploaded files it is what the case's documents say was received."""

    id = fields.IntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "core.Case", related_name="received_materials", on_delete=fields.RESTRICT
    )
    code = fields.CharField(max_length=64, description="the item's material code (slot)")
    catalogue = fields.CharField(max_length=64, default="")
    name = fields.CharField(max_length=256)
    form = fields.CharField(max_length=16, description="original | copy")
    count = fields.IntField()
    received_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="received_materials", null=True, on_delete=fields.RESTRICT
    )
    received_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "received_material"
        indexes = (("case_id",),)


class Rating(Model):
    """好差评: 1 非常不满意 … 5 非常满意."""

    id = fields.IntField(primary_key=True)
    case: fields.OneToOneRelation[Case] = fields.OneToOneField(
        "core.Case", related_name="rating", on_delete=fields.CASCADE
    )
    level = fields.IntField()
    comment = fields.TextField(default="")
    channel = fields.CharField(max_length=16, default="online", db_default="online", description="where it was given: online 网上, on_site 现场 (a window's rating tablet)")
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="ratings", on_delete=fields.RESTRICT
    )
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "rating"
        indexes = (("at",),)


class WalkInParty(Model):
    """现场申请人: a person (resident ID) or an enterprise (USCC) registered at the window, and its account.

    A clerk registers it for someone without an online account; cases are filed for the account
    (``onBehalfOf``), which nobody logs in with."""

    id = fields.IntField(primary_key=True)
    center: fields.ForeignKeyRelation[Center] = fields.ForeignKeyField(
        "core.Center", related_name="walk_in_parties", on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=16, description="person or enterprise")
    id_number = fields.CharField(max_length=32, description="resident ID or USCC, upper case")
    name = fields.CharField(max_length=256)
    contact_name = fields.CharField(max_length=64, default="", description="an enterprise's 经办联系人")
    mobile = fields.CharField(max_length=32)
    account: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="walk_in_parties", on_delete=fields.RESTRICT
    )
    registered_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="walk_ins_registered", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "walk_in_party"
        unique_together = (("center", "id_number"),)


class ClaimCode(Model):
    """认领: an SMS code sent to the mobile of a walk-in party so that a logged-in person can claim one
    case filed for it online (``sendClaimCode``, ``claimCase``); a code wrongly typed counts an
    attempt, a used one names who claimed."""

    id = fields.IntField(primary_key=True)
    party: fields.ForeignKeyRelation[WalkInParty] = fields.ForeignKeyField(
        "core.WalkInParty", related_name="claim_codes", on_delete=fields.CASCADE
    )
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "core.Case", related_name="claim_codes", on_delete=fields.CASCADE
    )
    code_hash = fields.CharField(max_length=64, description="sha256 of the code")
    expires_at = fields.DatetimeField()
    attempts = fields.IntField(default=0, description="wrong codes typed")
    used_at = fields.DatetimeField(null=True)
    claimed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="claims", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "claim_code"
        table_description = "认领: SMS codes that let a walk-in party claim a case filed for it online."
        indexes = (("party_id", "case_id"),)


class Complaint(Model):
    """投诉: oral, phone or written: verified complaints feed the assessment rules."""

    id = fields.IntField(primary_key=True)
    center: fields.ForeignKeyRelation[Center] = fields.ForeignKeyField(
        "core.Center", related_name="complaints", on_delete=fields.CASCADE
    )
    case: fields.ForeignKeyNullableRelation[Case] = fields.ForeignKeyField(
        "core.Case", related_name="complaints", null=True, on_delete=fields.SET_NULL
    )
    department: fields.ForeignKeyNullableRelation[Department] = fields.ForeignKeyField(
        "core.Department", related_name="complaints", null=True, on_delete=fields.SET_NULL
    )
    window: fields.ForeignKeyNullableRelation[Window] = fields.ForeignKeyField(
        "core.Window", related_name="complaints", null=True, on_delete=fields.SET_NULL
    )
    staff: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="complaints_against", null=True, on_delete=fields.SET_NULL
    )
    channel = fields.CharField(max_length=16, default="written")
    text = fields.TextField()
    verified = fields.BooleanField(default=False)
    reply = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    complainant = fields.CharField(max_length=64, default="", db_default="", description="投诉人及联系方式")
    received_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="complaints_received", null=True, on_delete=fields.SET_NULL
    )
    due_on = fields.DateField(null=True, description="答复期限 (working days after filing)")
    assignee: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="complaints_assigned", null=True, on_delete=fields.SET_NULL
    )
    escalated_at = fields.DatetimeField(null=True, description="上报主任室")
    replied_at = fields.DatetimeField(null=True)
    verified_at = fields.DatetimeField(null=True, description="属实/不属实 decided (final)")
    verified_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="complaints_verified", null=True, on_delete=fields.SET_NULL
    )
    consequence = fields.CharField(
        max_length=16, default="", db_default="", description="notice (通报) or removal (下岗), then removed or retained once decided"
    )
    removal_on = fields.DateField(null=True, description="下岗 takes effect on this day (a removal decided as removed)")

    class Meta:
        table = "complaint"


class ComplaintStep(Model):
    """跟踪处理记录: one step in a complaint's handling (filed, assigned, escalated, replied, note, verified)."""

    id = fields.IntField(primary_key=True)
    complaint: fields.ForeignKeyRelation[Complaint] = fields.ForeignKeyField(
        "core.Complaint", related_name="steps", on_delete=fields.CASCADE
    )
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="complaint_steps", null=True, on_delete=fields.SET_NULL
    )
    action = fields.CharField(max_length=16)
    text = fields.TextField(default="")
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "complaint_step"


class Notification(Model):
    """A message sent to a person: the default SMS adapter only records it here."""

    id = fields.IntField(primary_key=True)
    center: fields.ForeignKeyRelation[Center] = fields.ForeignKeyField(
        "core.Center", related_name="notifications", on_delete=fields.CASCADE
    )
    case: fields.ForeignKeyNullableRelation[Case] = fields.ForeignKeyField(
        "core.Case", related_name="notifications", null=True, on_delete=fields.SET_NULL
    )
    channel = fields.CharField(max_length=16, default="sms")
    recipient = fields.CharField(max_length=64)
    text = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "notification"
        indexes = (("case_id",), ("recipient", "center_id"))
