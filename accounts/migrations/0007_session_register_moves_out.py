from django.db import migrations


class Migration(migrations.Migration):
    """The session register is an app of its own now (shop/register/): its model leaves
    accounts' state, and its table stays where it is, rows and all."""

    dependencies = [
        ("accounts", "0006_checkout_step_and_cart_generation"),
        ("register", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="SessionRecord")],
        ),
    ]
