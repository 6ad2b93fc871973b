"""``import openimapi.automation.auto``: install the win32com/pythoncom/comtypes stand-ins."""

from openimapi.automation import install

INSTALLED = install()
