"""Source for a child interpreter: records, for each library named in ``heavy``, which
opus_tui frames were on the stack when it was first imported (``culprits``), so a failing
import-hygiene test names the culprit. Needs ``sys``, ``traceback`` and ``heavy`` defined."""

WATCH = r"""
culprits = {}

class Watch:
    def find_spec(self, fullname, path=None, target=None):
        top = fullname.partition(".")[0]
        if top in heavy and top not in culprits:
            culprits[top] = [
                f"{f.filename.rpartition('opus_tui')[2] or f.filename}:{f.lineno}"
                for f in traceback.extract_stack()
                if "opus_tui" in f.filename
            ]
        return None

sys.meta_path.insert(0, Watch())
"""
