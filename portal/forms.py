from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Organisation, Person, WorkingGroup
from portal.models import Post
from talanoa.lib.editing import VersionedFormMixin
from talanoa.lib.files import DOCUMENT_KINDS, validate_upload


class PostForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Post
        fields = ["group", "kind", "level", "restricted_organisations", "restricted_people",
                  "title_en", "title_fr", "body_en", "body_fr", "attachment", "published_at"]
        widgets = {"restricted_organisations": forms.CheckboxSelectMultiple,
                   "restricted_people": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, editable_groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = WorkingGroup.objects.current().filter(
            pk__in=editable_groups)
        self.fields["restricted_organisations"].queryset = Organisation.objects.current()
        self.fields["restricted_people"].queryset = Person.objects.current()
        self.fields["level"].help_text = _(
            "public: everyone; members: representatives of member, observer and consultative "
            "organisations; core members: member organisations only; restricted: only the "
            "organisations and people you name below.")

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload and hasattr(upload, "content_type"):
            validate_upload(upload, DOCUMENT_KINDS)
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("level") == Post.Level.RESTRICTED and not (
                cleaned.get("restricted_organisations") or cleaned.get("restricted_people")):
            raise forms.ValidationError(
                _("A restricted item must name at least one organisation or person."))
        if not (cleaned.get("title_en") or cleaned.get("title_fr")):
            raise forms.ValidationError(_("Give a title in English or French."))
        return cleaned


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    # From the page's own links: a wrong value shows the first page of everything, not an error.
    kind = forms.CharField(max_length=40, required=False)
    page = forms.CharField(max_length=10, required=False)

    def clean_page(self) -> int:
        page = self.cleaned_data.get("page") or ""
        return int(page) if page.isdigit() and 0 < len(page) < 4 else 1
