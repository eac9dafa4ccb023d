"""The national registry: innovations, their categories and the SDGs they serve."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from innovations.kit import KitDocument, KitKind, KitLanguage, KitStatus  # noqa: F401
from jipp import names
from jipp.models import Institution, InstitutionKind, Province

# URL words under /innovations/ (DESIGN.md's five, the import page, the kit downloads):
# never a slug.
RESERVED_SLUGS = {"mine", "review", "innovators", "new", "export", "import", "kit"}
SEARCH_CONFIG = "indonesian"
# The titles' words (TitleWord), for the pickers' typos (jipp.names).
TITLE_WORDS = names.Vocabulary(
    table="innovations_titleword", vector="title_vector", config=SEARCH_CONFIG
)


class SDG(models.Model):
    """One of the 17 Sustainable Development Goals (Tujuan Pembangunan Berkelanjutan)."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name_id = models.CharField(_("name (Indonesian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)

    class Meta:
        ordering = ["number"]
        verbose_name = _("SDG")
        verbose_name_plural = _("SDGs")

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    def get_absolute_url(self) -> str:
        return f"{reverse('innovations:list')}?sdg={self.number}"

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" else self.name_id


class Category(models.Model):
    """A public-service sector: kesehatan, pendidikan, perizinan, ..."""

    slug = models.SlugField(_("slug"), unique=True)
    name_id = models.CharField(_("name (Indonesian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)

    class Meta:
        ordering = ["name_id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{reverse('innovations:list')}?category={self.slug}"

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" else self.name_id


class Phase(models.TextChoices):
    CREATION = "creation", _("Creation")
    DEVELOPMENT = "development", _("Development")
    INSTITUTIONALIZATION = "institutionalization", _("Institutionalisation")


class KippRecognition(models.TextChoices):
    NONE = "none", _("None")
    TOP9 = "top9", _("Top 9")
    TOP25 = "top25", _("Top 25")
    TOP35 = "top35", _("Top 35")
    TOP40 = "top40", _("Top 40")
    TOP45 = "top45", _("Top 45")
    TOP99 = "top99", _("Top 99")
    OUTSTANDING = "outstanding", _("Outstanding Achievement")


class InnovationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ARCHIVED = "archived", _("Archived")


class InnovatorKind(models.TextChoices):
    """How the public filters innovators: by level of government."""

    CENTRAL = "central", _("Central government")
    PROVINCE = "province", _("Provincial government")
    REGENCY = "regency", _("Regency government")
    CITY = "city", _("City government")


INNOVATOR_KINDS = {
    InnovatorKind.CENTRAL: [InstitutionKind.MINISTRY, InstitutionKind.AGENCY, InstitutionKind.SOE],
    InnovatorKind.PROVINCE: [InstitutionKind.PROVINCE_GOV, InstitutionKind.REGIONAL_SOE],
    InnovatorKind.REGENCY: [InstitutionKind.REGENCY_GOV],
    InnovatorKind.CITY: [InstitutionKind.CITY_GOV],
}


# What the catalogue filters on (innovations.filters), carried by each filter's index.
FILTER_COLUMNS = (
    "province",
    "category",
    "launched_year",
    "kipp_recognition",
    "phase",
    "innovator",
    "sdg_numbers",
    "is_kit_complete",
)


class InnovationQuerySet(models.QuerySet["Innovation"]):
    def public(self) -> InnovationQuerySet:
        """What anyone may see: approved innovations only."""
        return self.filter(status=InnovationStatus.APPROVED)

    def named_like(self, text: str) -> InnovationQuerySet:
        """Titles (and address names) like `text`, for the pickers: see jipp.names."""
        return names.closest(self, text, field="title", vocabulary=TITLE_WORDS)


class Innovation(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    innovator = models.ForeignKey(
        Institution,
        verbose_name=_("innovator"),
        on_delete=models.PROTECT,
        related_name="innovations",
    )
    province = models.ForeignKey(
        Province,
        verbose_name=_("province of origin"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="innovations",
        help_text=_("Empty for central government bodies."),
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="innovations",
    )
    sdgs = models.ManyToManyField(SDG, verbose_name=_("SDGs"), related_name="innovations")
    # The SDG numbers again, kept in step with `sdgs` (innovations.signals): one indexed
    # column the catalogue filters on without joining a 200,000-row link table.
    sdg_numbers = ArrayField(
        models.PositiveSmallIntegerField(), default=list, blank=True, editable=False
    )
    # The innovator's level of government (INNOVATOR_KINDS), "" for none of them: kept by
    # PostgreSQL triggers whenever an innovation's innovator or an innovator's kind changes
    # (migration 0014), so the catalogue filters on it without joining the institutions.
    innovator_kind = models.CharField(
        _("level of government"),
        max_length=10,
        choices=InnovatorKind.choices,
        blank=True,
        default="",
        editable=False,
    )
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    launched_year = models.PositiveSmallIntegerField(
        _("year launched"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    summary = models.TextField(_("summary"))
    problem = models.TextField(_("problem"))
    solution = models.TextField(_("solution"))
    results = models.TextField(_("results"))
    replication_requirements = models.TextField(
        _("what an adopter needs"),
        help_text=_("Budget, regulation, information technology and people."),
    )
    contact_email = models.EmailField(_("institutional contact e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    kipp_recognition = models.CharField(
        _("KIPP recognition"),
        max_length=12,
        choices=KippRecognition.choices,
        default=KippRecognition.NONE,
    )
    kipp_year = models.PositiveSmallIntegerField(_("KIPP year"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InnovationStatus.choices,
        default=InnovationStatus.DRAFT,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("published at"), null=True, blank=True)
    review_note = models.TextField(_("last review note"), blank=True)
    # The editable values (innovations.workflow.innovation_data) as they were when the
    # ministry last asked for changes: the reviewer sees what the resubmission changed.
    requested_snapshot = models.JSONField(
        _("text when changes were requested"), null=True, blank=True, editable=False
    )
    # The innovator's answer to that request, kept with the draft until it is resubmitted;
    # it then becomes the note of the submission's AuditEvent.
    reply = models.TextField(_("reply to the reviewer"), blank=True)
    # Weighted over the text, the innovator's and the province's names: refreshed by
    # refresh_search_vectors() whenever any of them changes.
    search_vector = SearchVectorField(null=True, editable=False)
    # The title alone, so a broad search can put title matches first cheaply.
    title_vector = models.GeneratedField(
        expression=SearchVector("title", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # "Siap direplikasi": the approved kit has an SOP, a regulation and a budget document,
    # and there is an institutional contact. Kept by innovations.kit_services on every
    # change of either, so the catalogue filters on a column (DESIGN.md section 8).
    is_kit_complete = models.BooleanField(_("ready to replicate"), default=False)
    # The closest approved innovations, best first: computed in a task when the innovation
    # is approved or changed (innovations.similarity), so its page reads them in one query.
    similar_ids = ArrayField(
        models.IntegerField(), verbose_name=_("similar innovations"), default=list, blank=True
    )
    # "Provinces that replicate this also replicate": [[innovation id, provinces], ...], best
    # first, computed in a task when a plan becomes public or stops being (similarity).
    also_replicated = models.JSONField(
        _("also replicated"), default=list, blank=True, editable=False
    )

    objects = InnovationQuerySet.as_manager()

    class Meta:
        ordering = ["-approved_at", "-id"]
        verbose_name = _("innovation")
        verbose_name_plural = _("innovations")
        indexes = [
            GinIndex(fields=["search_vector"], name="innovation_search"),
            GinIndex(fields=["title_vector"], name="innovation_title_search"),
            GinIndex(fields=["sdg_numbers"], name="innovation_sdgs"),
            # Each filter's newest first: the filter and the order from one index. The
            # other filters' columns ride along, so a count of a combination reads this
            # index alone (an index-only scan) from its first filter.
            *[
                models.Index(
                    fields=[column, "-approved_at", "-id"],
                    name=f"innovation_{short}_newest",
                    condition=models.Q(status="approved"),
                    include=[name for name in FILTER_COLUMNS if name != column],
                )
                for column, short in [
                    ("province", "province"),
                    ("category", "category"),
                    ("launched_year", "year"),
                    ("kipp_recognition", "kipp"),
                ]
            ],
            # The level of government, then the year: a count of the two (and the SDGs,
            # carried along) reads only their entries, and each pair newest first.
            models.Index(
                fields=["innovator_kind", "launched_year", "-approved_at", "-id"],
                name="innovation_kind_year_newest",
                condition=models.Q(status="approved"),
                include=[name for name in FILTER_COLUMNS if name != "launched_year"],
            ),
            # Keyset paging of the public list, newest first and by title.
            models.Index(
                fields=["-approved_at", "-id"],
                name="innovation_public_newest",
                condition=models.Q(status="approved"),
            ),
            models.Index(
                fields=["title", "id"],
                name="innovation_public_title",
                condition=models.Q(status="approved"),
            ),
            models.Index(fields=["innovator", "status"], name="innovation_innovator"),
            models.Index(
                fields=["-approved_at", "-id"],
                name="innovation_kit_newest",
                condition=models.Q(status="approved", is_kit_complete=True),
            ),
            # The pickers (jipp.names): typed prefixes, then trigram similarity of titles.
            models.Index(
                names.name_key("title"),
                name="innovation_title_prefix",
                condition=models.Q(status="approved"),
            ),
            GinIndex(
                OpClass(Upper("title"), name="gin_trgm_ops"),
                name="innovation_title_trgm",
                condition=models.Q(status="approved"),
            ),
            # The ministry's queue, oldest first (innovations.review_views).
            models.Index(
                fields=["submitted_at", "id"],
                name="innovation_waiting_review",
                condition=models.Q(status="submitted"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(slug__in=sorted(RESERVED_SLUGS)),
                name="innovation_slug_not_reserved",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="approved", approved_at__isnull=True),
                name="innovation_approved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.status == InnovationStatus.APPROVED and self.approved_at is None:
            self.approved_at = timezone.now()
        super().save(*args, **kwargs)
        refresh_search_vectors([self.pk])

    def get_absolute_url(self) -> str:
        return reverse("innovations:detail", args=[self.slug])

    @property
    def is_public(self) -> bool:
        return self.status == InnovationStatus.APPROVED

    def similar(self) -> list[Innovation]:
        """Up to five similar approved innovations, best first, as stored: one query."""
        from innovations.similarity import similar_to

        return similar_to(self)


def detail_urls() -> Callable[[str], str]:
    """Innovation.get_absolute_url for many slugs, the URL pattern reversed once (pages and
    tables listing dozens of innovations); a slug is letters, digits, "-" and "_": nothing
    to quote."""
    pattern = reverse("innovations:detail", args=["-slug-"])
    return lambda slug: pattern.replace("-slug-", slug)


class TitleWord(models.Model):
    """A word of an innovation's title, upper case: the picker finds a typed word's near
    spellings among these few thousand words, not among a million titles (jipp.names).

    Kept by a trigger on innovations_innovation (migration 0012): every title's words,
    whatever its status; a word no title uses any more is harmless, it finds nothing.
    """

    word = models.CharField(primary_key=True, max_length=200)

    class Meta:
        indexes = [GinIndex(OpClass("word", name="gin_trgm_ops"), name="title_word_trgm")]

    def __str__(self) -> str:
        return self.word


# The longest reply to a change request an innovator may send (the reviewer's note: 5000).
REPLY_MAX_LENGTH = 5000

# What an innovator may change, in a draft or through a revision (plus the SDGs).
EDITABLE_FIELDS = (
    "title",
    "category",
    "phase",
    "launched_year",
    "summary",
    "problem",
    "solution",
    "results",
    "replication_requirements",
    "contact_email",
    "website",
    "kipp_recognition",
    "kipp_year",
)


class RevisionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


OPEN_REVISION_STATUSES = [
    RevisionStatus.DRAFT,
    RevisionStatus.SUBMITTED,
    RevisionStatus.CHANGES_REQUESTED,
]


class InnovationRevision(models.Model):
    """A proposed update of an approved innovation; the approved text stays public meanwhile.

    `data` holds the proposed values of EDITABLE_FIELDS (the category by id) and
    `sdg_numbers`.
    """

    innovation = models.ForeignKey(
        Innovation,
        verbose_name=_("innovation"),
        on_delete=models.CASCADE,
        related_name="revisions",
    )
    data = models.JSONField(_("proposed values"), default=dict)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RevisionStatus.choices,
        default=RevisionStatus.DRAFT,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    note = models.TextField(_("review note"), blank=True)
    # As on Innovation: the proposed values when changes were requested, and the answer.
    requested_snapshot = models.JSONField(
        _("text when changes were requested"), null=True, blank=True, editable=False
    )
    reply = models.TextField(_("reply to the reviewer"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("innovation update")
        verbose_name_plural = _("innovation updates")
        constraints = [
            models.UniqueConstraint(
                fields=["innovation"],
                condition=models.Q(status__in=OPEN_REVISION_STATUSES),
                name="revision_one_open_per_innovation",
            ),
        ]
        indexes = [
            models.Index(
                fields=["submitted_at"],
                name="revision_waiting",
                condition=models.Q(status="submitted"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.innovation} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("innovations:mine_detail", args=[self.innovation.slug])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REVISION_STATUSES


# The configuration is SEARCH_CONFIG, written out: the statement stays a constant.
SEARCH_VECTOR_SQL = """
UPDATE innovations_innovation AS i SET search_vector =
    setweight(to_tsvector('indonesian', i.title), 'A')
    || setweight(to_tsvector('indonesian', i.summary), 'B')
    || setweight(to_tsvector('indonesian', names.innovator), 'B')
    || setweight(to_tsvector('indonesian', names.province), 'C')
    || setweight(to_tsvector('indonesian',
           i.problem || ' ' || i.solution || ' ' || i.results || ' '
           || i.replication_requirements), 'D')
FROM (
    SELECT x.id, inst.name AS innovator, coalesce(p.name, '') AS province
    FROM innovations_innovation AS x
    JOIN jipp_institution AS inst ON inst.id = x.innovator_id
    LEFT JOIN jipp_province AS p ON p.id = x.province_id
    WHERE x.id = ANY(%s)
) AS names
WHERE names.id = i.id
"""


def refresh_search_vectors(innovation_ids: list[int]) -> None:
    """Rebuild the weighted search vector of these innovations in one statement.

    Raw SQL because the vector joins the innovator's and the province's names, which an
    ORM update() cannot reach.
    """
    if not innovation_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(SEARCH_VECTOR_SQL, [list(innovation_ids)])
