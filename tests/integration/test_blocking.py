import lvharness as h
if __name__ == "__main__":
    h.run_tap()
