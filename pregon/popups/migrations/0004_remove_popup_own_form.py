from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('popups', '0003_popup_forms_to_signup_forms'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='popup',
            name='consent_text',
        ),
        migrations.RemoveField(
            model_name='popup',
            name='form_list',
        ),
        migrations.RemoveField(
            model_name='popup',
            name='form_tags',
        ),
        migrations.RemoveField(
            model_name='popup',
            name='has_form',
        ),
        migrations.RemoveField(
            model_name='popup',
            name='thanks_text',
        ),
    ]
