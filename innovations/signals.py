from typing import Any

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from innovations.models import Innovation, refresh_search_vectors
from jipp.models import Institution, Province


@receiver(post_save, sender=Institution)
@receiver(post_save, sender=Province)
def refresh_names_in_search(sender: type, instance: Institution | Province, **kwargs: Any) -> None:
    """Innovations are found by their innovator's and province's names: keep those current."""
    field = "innovator" if sender is Institution else "province"
    ids = list(Innovation.objects.filter(**{field: instance}).values_list("id", flat=True))
    refresh_search_vectors(ids)


@receiver(m2m_changed, sender=Innovation.sdgs.through)
def copy_sdg_numbers(
    sender: type, instance: Any, action: str, reverse: bool, **kwargs: Any
) -> None:
    """Keep Innovation.sdg_numbers equal to its SDGs, whichever side changed them."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse:  # an SDG's innovations changed: rare, from the admin
        affected = list(Innovation.objects.filter(pk__in=kwargs.get("pk_set") or []))
        affected += list(Innovation.objects.filter(sdgs=instance))
    else:
        affected = [instance]
    for innovation in {i.pk: i for i in affected}.values():
        numbers = sorted(innovation.sdgs.values_list("number", flat=True))
        Innovation.objects.filter(pk=innovation.pk).update(sdg_numbers=numbers)
