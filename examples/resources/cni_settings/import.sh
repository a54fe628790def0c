# The account whose settings to manage.
terraform import cni_settings.this 023e105f4ecef8ad9ca31a8372d0c353
